"""Reading the sources: ``corpus/`` and ``annotations/`` files, segmentation, validation."""
