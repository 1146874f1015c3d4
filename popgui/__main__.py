from popgui.cli import main

raise SystemExit(main())
