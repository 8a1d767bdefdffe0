"""Run one command while the e-Boekhouden sandbox serves on its demo port.

`make run` loads the demo data this way: connecting the demo organization verifies the codes
with OpenSession, so the sandbox must answer before honcho starts every process."""

import subprocess
import sys

from ebh_sandbox.testing import SandboxProcess


def main() -> int:
    db, port, command = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    with SandboxProcess(db, port=port):
        return subprocess.run(command, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
