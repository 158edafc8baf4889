"""The reference: the three seed tutorials as clean, runnable torch pipelines (the seeds' bugs fixed).

``python -m torch_ref.example1`` (toy linear regression), ``torch_ref.example2`` (make_regression, with a plot),
``torch_ref.example3`` (logistic regression on breast cancer). Each module is also importable: ``prepare_data``,
``build_model``, ``make_pipeline``, ``train_step``... with the same names as its minigrad twin in
``minigrad.examples``; the data come from ``minigrad.examples.data``, shared by both.
"""
