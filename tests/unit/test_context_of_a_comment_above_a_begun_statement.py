"""The context at the end of a prompt whose last line begins a statement under a comment (the main
case the context serves): the comment as the intent, the library imported, the assignment's target,
and where each name in scope comes from. Prompts from TorchDataEval, and the same shapes over the
example library (honeycomb)."""

import pytest

from apiary.context import extract_context_from_prefix

ITER = "torchdata.datapipes.iter"

CASES = [
    (
        "from torchdata.datapipes.iter import IterableWrapper\ndatapipe = IterableWrapper([1,2,3])\n"
        "# How to augument the datapipe by repeating it six times.\nnew_datapipe =",
        "How to augument the datapipe by repeating it six times.",
        {"datapipe": (f"{ITER}.IterableWrapper", f"{ITER}.IterableWrapper()")},
        "new_datapipe",
    ),
    (
        "from torchdata.datapipes.iter import IterableWrapper, Sampler\nsource_dp = IterableWrapper(range(10))\n"
        "batch_dp = source_dp.batch(batch_size=3, drop_last=True)\n\n"
        "# How to get one training data from the batch_dp\nresult =",
        "How to get one training data from the batch_dp",
        {
            "source_dp": (f"{ITER}.IterableWrapper", f"{ITER}.IterableWrapper()"),
            "batch_dp": ("source_dp.batch", f"{ITER}.IterableWrapper().batch()"),
        },
        "result",
    ),
    (
        "from torchdata.datapipes.iter import IterableWrapper\n\ndef add_one(x):\n    return x + 1\n"
        "dp = IterableWrapper(range(10))\n# Method 1\n"
        "map_dp_1 = dp.map(add_one)  # Invocation via functional form is preferred\n\n# Method 2\n"
        "# We discourage the usage of `lambda` functions as they are not serializable with `pickle`\n"
        "# Using `lambda` to implement add_two rather than add_one that is mentioned in above.\nnew_dp_2 =",
        "Method 2 We discourage the usage of `lambda` functions as they are not serializable with `pickle` "
        "Using `lambda` to implement add_two rather than add_one that is mentioned in above.",
        {"dp": (f"{ITER}.IterableWrapper", f"{ITER}.IterableWrapper()"), "map_dp_1": ("dp.map", None)},
        "new_dp_2",
    ),
    (
        "from torchdata.datapipes.iter import HttpReader\n\n"
        'URL = "https://raw.githubusercontent.com/mhjabreel/CharCnn_Keras/master/data/ag_news_csv/train.csv"\n'
        "# Read the URL using the HTTP protocol and process the csv file.\n"
        "# Then, we map the datapipe using lambda_func_ to get what we want.\n"
        'lambda_func_ = lambda t: (int(t[0]), " ".join(t[1:]))\n'
        "ag_news_train = HttpReader([URL]).parse_csv().map(lambda_func_)\n"
        "lambda_batch = lambda batch: {'labels': [sample[0] for sample in batch],\\\n"
        "                                      'text': [sample[1].split() for sample in batch]}\n"
        "# How to get all batches from a datapipe with batch size 2?\n"
        "# Furthermore, the batches should be mapped using lambda_batch.\nagn_batches =",
        "How to get all batches from a datapipe with batch size 2? "
        "Furthermore, the batches should be mapped using lambda_batch.",
        {
            "URL": (None, "str()"),
            "lambda_func_": (None, None),
            "ag_news_train": (
                f"{ITER}.HttpReader().parse_csv().map",
                f"{ITER}.HttpReader().parse_csv().map()",
            ),
        },
        "agn_batches",
    ),
    (
        "from torchdata.datapipes.iter import IterableWrapper\n"
        "dp_one, dp_two = IterableWrapper(range(3)), IterableWrapper(range(5))\n\n# concat two datapipes\nnew_dp =",
        "concat two datapipes",
        {"dp_one": (f"{ITER}.IterableWrapper", None), "dp_two": (f"{ITER}.IterableWrapper", None)},
        "new_dp",
    ),
]


HONEYCOMB_CASES = [
    (
        'import honeycomb as hc\n\norders = hc.read_delimited("orders.csv").dedupe("order_id")\n'
        'totals = orders.group_by("region")\n# keep only the orders above 100 euros\nbig_orders =',
        "keep only the orders above 100 euros",
        {
            "orders": ("honeycomb.read_delimited().dedupe", "honeycomb.read_delimited().dedupe()"),
            "totals": ("orders.group_by", "honeycomb.read_delimited().dedupe().group_by()"),
        },
        "big_orders",
    ),
    (
        "from honeycomb import read_delimited\nrows = read_delimited('a.csv')\n\n"
        "# Join the rows with themselves on the id column.\n# Then drop the duplicates.\njoined =",
        "Join the rows with themselves on the id column. Then drop the duplicates.",
        {"rows": ("honeycomb.read_delimited", "honeycomb.read_delimited()")},
        "joined",
    ),
]


@pytest.mark.parametrize(("library", "prompt", "intent", "scope", "target"),
                         [("torchdata", *case) for case in CASES] + [("honeycomb", *case) for case in HONEYCOMB_CASES])
def test_intent_library_target_and_scope_at_a_begun_statement(library, prompt, intent, scope, target):
    ctx = extract_context_from_prefix(prompt)
    assert ctx.intent == intent
    assert ctx.libraries == (library,)
    assert ctx.assign_target == target
    assert ctx.indent == "" and ctx.receiver is None and ctx.prefix == ""
    origins = {origin.name: origin for origin in ctx.scope}
    for name, (callee, resolved) in scope.items():
        assert origins[name].callee == callee
        if resolved is not None:
            assert origins[name].resolved == resolved


def test_class_prompt_with_a_locally_defined_datapipe():
    prompt = (
        "import torch\nclass MyIterDataPipe(torch.utils.data.IterDataPipe):\n"
        "    def __init__(self, start, end):\n        super(MyIterDataPipe).__init__()\n"
        '        assert end > start, "this example code only works with end >= start"\n'
        "        self.start = start\n        self.end = end\n\n"
        "    def __iter__(self):\n        return iter(range(self.start, self.end))\n\n"
        "    def __len__(self):\n        return self.end - self.start\nds = MyIterDataPipe(start=3, end=7)\n\n"
        "def collate_fn(batch):\n    return torch.tensor(batch, dtype=torch.float)\n\n"
        "# First get the head 2 elements\n# Second make the datapipe tensor-like by using `collate_fn`\ncollated_ds ="
    )
    ctx = extract_context_from_prefix(prompt)
    assert (
        ctx.intent
        == "First get the head 2 elements Second make the datapipe tensor-like by using `collate_fn`"
    )
    assert ctx.libraries == ("torch",)
    assert [(o.name, o.callee, o.resolved) for o in ctx.scope] == [
        ("ds", "MyIterDataPipe", "MyIterDataPipe()")
    ]
