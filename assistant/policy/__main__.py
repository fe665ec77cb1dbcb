import sys

from assistant.policy.cli import main

sys.exit(main())
