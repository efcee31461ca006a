"""From-scratch PyTorch reproductions of the papers the group reads, each checked against a reference."""
