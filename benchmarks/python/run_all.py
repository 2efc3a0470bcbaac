"""`make bench`: every benchmark in this folder, one after the other (more arrive with the speed issue)."""
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
for script in sorted(HERE.glob("bench_*.py")):
    print(f"## {script.stem}", flush=True)
    subprocess.run([sys.executable, str(script)], check=True)
