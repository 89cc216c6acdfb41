"""One ``QUndoCommand`` per edit; ``redo``/``undo`` call services, which commit before returning."""
