"""Every limit the server enforces; all of them are sent in `hello` and listed in the docs."""

LIMITS = {
    "max_message_bytes": 16 * 1024,  # any command but load_csv and import
    "max_upload_bytes": 1024 * 1024,  # load_csv
    "max_import_bytes": 14 * 1024 * 1024,  # import: the largest run nnplay saves, with room
    "messages_per_second": 50,  # sustained; see settings for the burst
    "max_hidden_layers": 8,
    "max_neurons_per_layer": 128,  # MNIST's 784-128-64-10
    "max_samples": 2000,  # generated points
    "max_points": 2000,  # drawn or loaded points
    "max_csv_rows": 2000,
    "max_csv_columns": 65,
    "max_steps_per_command": 100_000,
    "max_steps_per_second": 1_000_000,
    "fps": [1, 60],
    "neuron_density": [8, 64],
    "output_density": [16, 200],
    "max_history_points": 2000,
    "max_replay_log": 10_000,  # entries in a saved run's log of commands
    "max_log_bytes": 1024 * 1024,  # ... and its size as JSON
    "resume_seconds": 60,
    "max_download_bytes": 64 * 1024 * 1024,  # one dataset's files (Fashion-MNIST: 30.9 MB)
    "max_timeline_checkpoints": 48,  # a session's timeline (app/timeline.py) keeps at most
    "max_timeline_bytes": 16 * 1024 * 1024,  # ... these (the largest network's two fit)
    "max_sweep_runs": 24,  # runs of one sweep (app/sweeps.py)
    "max_sweep_epochs": 100,  # epochs each run of a sweep trains
    "max_sweeps": 2,  # sweeps running at once on the server (one per page)
}
# Messages above this are closed by the websocket layer itself (1009), before any parsing; it is
# above every limit above, so a message over its limit gets an error reply that names it.
TRANSPORT_MAX_BYTES = 16 * 1024 * 1024
