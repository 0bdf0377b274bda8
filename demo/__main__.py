"""``python -m demo``: the tour (see :mod:`demo.tour`)."""

from demo.tour import main

raise SystemExit(main())
