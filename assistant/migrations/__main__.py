import sys

from assistant.migrations import main

sys.exit(main(sys.argv[1:]))
