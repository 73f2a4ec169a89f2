"""Networks: layers, activations, losses, optimizers, the training loop, the exact collapse."""
