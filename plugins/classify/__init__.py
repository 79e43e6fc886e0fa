"""Tags the photo with its product category (and the coarser group) from a classifier trained
on your class folders."""
