"""The runtime behind ``base.run()``: sources, the frame-set loop, outputs. Independent of the
preview-era classes so a later API generation can sit on the same loop."""
