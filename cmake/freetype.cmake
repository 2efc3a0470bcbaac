# FreeType renders the antialiased overlay text.
find_package(Freetype REQUIRED)
