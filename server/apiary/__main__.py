from apiary.cli import main

raise SystemExit(main())
