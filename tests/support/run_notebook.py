"""Runs a notebook in a real IPython kernel and prints, as JSON, each code cell that raised:
{"cell": N (1-based among all cells), "error": "RuntimeError", "message": "..."}."""
import json
import sys

import nbclient
import nbformat

notebook = nbformat.read(sys.argv[1], as_version=4)
client = nbclient.NotebookClient(notebook, timeout=60, kernel_name="python3", allow_errors=True)
client.execute()
errors = []
for number, cell in enumerate(notebook.cells, start=1):
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            errors.append({"cell": number, "error": output["ename"], "message": output["evalue"]})
print(json.dumps(errors))
