/* Symbols of the embedded data files (src/lib/assets.S); each is followed by a NUL byte. */
/* SPDX-License-Identifier: MIT */
#ifndef SL_ASSETS_INT_H
#define SL_ASSETS_INT_H

extern const char sl_asset_catalog_teaching[], sl_asset_catalog_teaching_end[];
extern const char sl_asset_catalog_cloud[], sl_asset_catalog_cloud_end[];
extern const char sl_asset_catalog_gcp[], sl_asset_catalog_gcp_end[];
extern const char sl_asset_catalog_azure[], sl_asset_catalog_azure_end[];
extern const char sl_asset_quiz[], sl_asset_quiz_end[];

#endif
