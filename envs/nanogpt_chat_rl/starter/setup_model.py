"""Copies the base GPT-2 from the environment's assets into model/, the folder the scorer evaluates."""
import os
import shutil
import sys

assets = os.environ.get("ASSETS_DIR") or (sys.argv[1] if len(sys.argv) > 1 else "")
if not assets or not os.path.isdir(os.path.join(assets, "gpt2")):
    sys.exit("usage: ASSETS_DIR=<environment>/assets python3 setup_model.py   (it must hold gpt2/)")
target = os.path.join(os.path.dirname(os.path.abspath(__file__)), "model")
shutil.copytree(os.path.join(assets, "gpt2"), target, dirs_exist_ok=True)
print("base GPT-2 copied to", target)
