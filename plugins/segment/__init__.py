"""Cut the product out: a mask and a cutout layer, with box/click prompts, soft clean edges
and an optional contact-shadow layer. A learned U-Net on EfficientNet-Lite0 when weights are
there (bundled or trained by the user), a classical border-colour + GrabCut path otherwise."""
