import pytest


@pytest.fixture(scope="session")
def tiny_bert(tmp_path_factory):
    """A tiny random BERT (MiniLM's tokenizer) saved as a sentence-transformers directory."""
    from train_fixtures import save_tiny_bert

    return save_tiny_bert(tmp_path_factory.mktemp("tiny-bert"))


@pytest.fixture(scope="session")
def one_torch_thread():
    """Tiny models on a shared CPU: one intra-op thread avoids spinning threads fighting for cores."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
