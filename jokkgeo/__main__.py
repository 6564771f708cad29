from jokkgeo.cli.main import main

main()
