"""Starting point: loads the damaged model and saves it unchanged as fixed_model.pt (the scorer reads that file).

    python fix.py [path/to/damaged_model.pt]
"""
import sys

import torch

state = torch.load(sys.argv[1] if len(sys.argv) > 1 else "damaged_model.pt", weights_only=True)
torch.save(state, "fixed_model.pt")
