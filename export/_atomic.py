"""All-or-nothing writes: build in a hidden temporary sibling, then rename into place.

TF Serving polls the model base folder and loads any new integer version folder it sees,
so a version folder must appear complete or not at all. A rename within one file system
is atomic; a failed export removes its temporary folder and leaves nothing behind.
"""

import contextlib
import os
import shutil
import tempfile


def check_target(path, overwrite, argument="path"):
    """Raises FileExistsError if `path` exists and `overwrite` is False."""
    if os.path.lexists(path) and not overwrite:
        raise FileExistsError(
            f"`{argument}` already exists: {path!r}. Choose another version or pass "
            "overwrite=True (--overwrite) to replace it."
        )


@contextlib.contextmanager
def staged_directory(path, overwrite=False, argument="path"):
    """Yields a temporary directory that replaces `path` only if the block succeeds.

    Args:
        path: str. Final directory.
        overwrite: bool. Replace an existing `path`. Defaults to False.
        argument: str. Argument name used in the error message.
    """
    path = os.path.abspath(path)
    check_target(path, overwrite, argument)
    parent = os.path.dirname(path)
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=f".tmp-{os.path.basename(path)}-", dir=parent)
    try:
        yield staging
        check_target(path, overwrite, argument)  # another writer may have won meanwhile
        if os.path.lexists(path):
            retired = tempfile.mkdtemp(prefix=f".old-{os.path.basename(path)}-", dir=parent)
            os.rename(path, os.path.join(retired, "old"))
            os.rename(staging, path)
            shutil.rmtree(retired, ignore_errors=True)
        else:
            os.rename(staging, path)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


@contextlib.contextmanager
def staged_file(path, overwrite=False, argument="path"):
    """Yields a temporary file path that replaces `path` only if the block succeeds."""
    path = os.path.abspath(path)
    check_target(path, overwrite, argument)
    parent = os.path.dirname(path)
    os.makedirs(parent, exist_ok=True)
    fd, staging = tempfile.mkstemp(prefix=f".tmp-{os.path.basename(path)}-", dir=parent)
    os.close(fd)
    try:
        yield staging
        check_target(path, overwrite, argument)
        os.replace(staging, path)
    except BaseException:
        if os.path.exists(staging):
            os.remove(staging)
        raise
