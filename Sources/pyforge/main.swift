import PyForgeCLI

PyForgeMain.run()
