#!/usr/bin/env bash
# Rebuilds the report's 3D viewer (src/Spinodoid/Reports/vendor/structure-viewer.js) from viewer.js and three.js,
# with the exact versions in package-lock.json. Only needed after changing viewer.js or the versions: the built
# file is committed, so building spinodoid needs no Node.js.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --loglevel=error
assets=../../src/Spinodoid/Reports/vendor
npx esbuild viewer.js --bundle --minify --format=iife --target=es2020 --legal-comments=eof --outfile="$assets/structure-viewer.js"
cp node_modules/three/LICENSE "$assets/three.LICENSE.txt"
echo "wrote $assets/structure-viewer.js ($(wc -c < "$assets/structure-viewer.js") bytes)"
