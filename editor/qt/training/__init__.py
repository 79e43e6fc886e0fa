"""The Train dialog and what it is built from: a training worker thread, a folder scanner,
the live chart and the result panel."""
