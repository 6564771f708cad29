"""The layers of one run: one loader and cache (:mod:`.store`), scenario edits (:mod:`.scenario`)."""
