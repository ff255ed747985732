"""The one reading of comment blocks that every miner of "the comment above the code" uses."""

from apiary.comments import CommentBlock, comment_blocks, comments_above

SOURCE = '''\
import hashlib  # not a block: code before it

# compute the digest
#
# of the whole file
def digest(path):
    text = """
    # inside a string, not a comment
    """
    for chunk in read(path):
        update(chunk)
        # a note on the loop
    # then return it
    return finish()
'''


def test_blocks_are_runs_of_whole_line_comments_split_where_the_indentation_changes():
    assert comment_blocks(SOURCE) == [
        CommentBlock(3, 5, ("compute the digest", "", "of the whole file")),
        CommentBlock(12, 12, ("a note on the loop",)),
        CommentBlock(13, 13, ("then return it",)),
    ]
    assert comment_blocks(SOURCE)[0].text == "compute the digest of the whole file"


def test_without_the_indentation_rule_a_run_is_one_block():
    assert [(b.first, b.last) for b in comment_blocks(SOURCE, split_on_indent=False)] == [(3, 5), (12, 13)]


def test_the_comment_above_a_line_is_the_block_ending_just_before_it():
    assert comments_above(SOURCE) == {6: "compute the digest of the whole file", 13: "a note on the loop",
                                      14: "then return it"}


def test_text_that_does_not_tokenize_is_read_line_by_line():
    broken = 'x = """never closed\n    # looks like a comment\n# and this one\n'
    assert [(b.first, b.lines) for b in comment_blocks(broken)] == [(2, ("looks like a comment",)),
                                                                   (3, ("and this one",))]
