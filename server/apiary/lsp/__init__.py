"""The language server (`apiary serve`): the only package that imports pygls and lsprotocol."""
