"""Trainers: continual pre-training of causal LMs (``clm``), the dual-encoder API retriever
(``retriever``), description -> API sequence (``seq2seq``) and the intent-snippet classifier
(``classifier``). Each module has typed arguments and one ``main()``, in the manner of
transformers' ``run_clm.py``."""
