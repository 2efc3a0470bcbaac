from panoramasdk.cli.main import main

raise SystemExit(main())
