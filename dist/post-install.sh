#!/bin/sh
# After `meson install`: the MIME, desktop and icon caches of DATADIR, with
# whichever of the tools this machine has. Never fails the install.
datadir=${1:?usage: post-install.sh DATADIR}
if command -v update-mime-database >/dev/null 2>&1; then
    update-mime-database "$datadir/mime" || echo "post-install: update-mime-database failed" >&2
fi
if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q "$datadir/applications" || echo "post-install: update-desktop-database failed" >&2
fi
if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -f "$datadir/icons/hicolor/index.theme" ]; then
    gtk-update-icon-cache -q -t -f "$datadir/icons/hicolor" || echo "post-install: gtk-update-icon-cache failed" >&2
fi
exit 0
