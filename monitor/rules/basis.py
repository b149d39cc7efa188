"""The regulations and formats the rules rest on, quoted once (evidence cites them by these names)."""

ARTICLE_47 = (
    "《政府信息公开条例》第四十七条: failures to publish reports as required are to be corrected "
    "and can lead to accountability"
)
ARTICLE_49 = "《政府信息公开条例》第四十九条: departments publish their report by 31 January, governments by 31 March"
ARTICLE_50 = "《政府信息公开条例》第五十条: what a report must contain"
FORMAT_2019 = "国办公开办函〔2019〕60号: report format for report years 2019 and 2020"
FORMAT_2021 = (
    "国办公开办函〔2021〕30号: report format from report year 2021; copied (内容雷同) or perfunctory "
    "reports are accountable under article 47"
)
FORMATS = f"{FORMAT_2019}; {FORMAT_2021}"
