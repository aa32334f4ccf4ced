from fame_nb.cli import main

if __name__ == "__main__": main()
