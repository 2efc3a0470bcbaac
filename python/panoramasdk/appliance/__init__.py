"""The appliance around the SDK: the data folder, cameras, applications with immutable versions, the
supervisor that runs them, and ``panorama serve`` (HTTP API, web console, metrics)."""
