"""Teaching plugins on the user's own folders: datasets, the trainer loop, metrics and the
model store. Qt-free, like :mod:`editor.model` and :mod:`editor.tasks`."""
