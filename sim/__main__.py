from attnsim.cli import main

raise SystemExit(main())
