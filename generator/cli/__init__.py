"""The command-line shell: typer commands only, one module per command group, each calling `generator.api`."""
