/* Data files embedded in the library: built-in catalogs (and later lesson texts). */
#include "embed.h"

    .section .rodata
    ASSET(sl_asset_catalog_teaching, "data/teaching.csv")
    ASSET(sl_asset_catalog_cloud, "data/cloud.csv")
    ASSET(sl_asset_catalog_gcp, "data/gcp.csv")
    ASSET(sl_asset_catalog_azure, "data/azure.csv")
    ASSET(sl_asset_quiz, "data/quiz.json")

    .section .note.GNU-stack,"",@progbits
