"""The trained-model source: a tiny random EncoderDecoderModel saved as ``apiary-train`` saves one."""

from __future__ import annotations

import pytest

pytest.importorskip("transformers")

from apiary.sequences.model import DECODER_TOKENIZER, ModelError, Seq2SeqSequenceModel  # noqa: E402

APISEQS = ["hashlib.md5 hashlib.HASH::update", "os.path.join os.path.exists", "shutil.copy", "os.rename"]


def _tokenizer(texts, specials):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator(
        texts * 10,
        trainers.BpeTrainer(
            vocab_size=300,
            special_tokens=specials,
            show_progress=False,
            initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        ),
    )
    return PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", bos_token="<s>", eos_token="</s>",
                                   unk_token="<unk>", cls_token="<s>", sep_token="</s>")


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    import torch
    from transformers import BertConfig, BertLMHeadModel, BertModel, EncoderDecoderModel

    torch.manual_seed(0)
    directory = tmp_path_factory.mktemp("apiseq-model")
    specials = ["<pad>", "<s>", "</s>", "<unk>"]
    source = _tokenizer(["generate md5 hash code", "test file exists", "copy a file", "rename a file"], specials)
    target = _tokenizer(APISEQS, specials)
    small = dict(
        hidden_size=32, num_hidden_layers=1, num_attention_heads=2, intermediate_size=64, max_position_embeddings=64
    )
    encoder = BertModel(BertConfig(vocab_size=len(source), pad_token_id=source.pad_token_id, **small))
    decoder = BertLMHeadModel(BertConfig(vocab_size=len(target), is_decoder=True, add_cross_attention=True,
                                         pad_token_id=target.pad_token_id, **small))
    model = EncoderDecoderModel(encoder=encoder, decoder=decoder)
    model.config.decoder_start_token_id = target.bos_token_id
    model.config.eos_token_id = target.eos_token_id
    model.config.pad_token_id = target.pad_token_id
    model.save_pretrained(directory, safe_serialization=True)
    source.save_pretrained(directory)
    target.save_pretrained(directory / DECODER_TOKENIZER)
    return directory


def test_predicts_k_distinct_scored_sequences(model_dir):
    model = Seq2SeqSequenceModel(model_dir, max_length=12)
    predictions = model.predict("generate md5 hash code", 3)
    assert 1 <= len(predictions) <= 3
    assert len({apis for apis, _ in predictions}) == len(predictions)
    scores = [score for _, score in predictions]
    assert scores == sorted(scores, reverse=True) and all(0.0 <= s <= 1.0 for s in scores)
    assert all(isinstance(api, str) and api for apis, _ in predictions for api in apis)


def test_a_directory_without_a_model_is_a_clear_error(tmp_path):
    with pytest.raises(ModelError, match="cannot load the API-sequence model"):
        Seq2SeqSequenceModel(tmp_path)
