"""Starting solution: loads the damaged model and saves it unchanged as fixed_model.pt.

The scorer runs `python fix.py` in the workspace (2 CPU threads, 5 minutes at most) and then scores
fixed_model.pt. Replace the middle with a way to repair the embedding.
"""
import torch

state = torch.load("damaged_model.pt", weights_only=True)
torch.save(state, "fixed_model.pt")
