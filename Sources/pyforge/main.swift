import PyForgeCLI

await PyForgeMain.run()
