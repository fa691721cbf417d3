"""The local page for a town's staff (``labels-report serve``): drop the workbook, read the check,
build the report, open or download it. A stage above ``publish``, beside the command."""
