"""Training corpora built from local Python code: files, CERT sketches, CodeGenAPI API-info files,
(description, API sequence) pairs, retriever pairs and intent-snippet pairs, each as JSON Lines."""
