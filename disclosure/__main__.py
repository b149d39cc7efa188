from disclosure.app import main

main()
