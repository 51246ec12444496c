suite "pvmove helpers: dmpvmove in both modes with a writer, aborts, bad input, the C ABI" "$here/pvmove.sh" "$build"
