/* The bundled demo data set (data/demo/), linked into the binary; see src/demo/demo_data.h. */
    .section .rodata
    .balign 16
    .global pkgstats_demo_packages_tsv_gz
pkgstats_demo_packages_tsv_gz:
    .incbin "demo-packages.tsv.gz"
    .global pkgstats_demo_packages_tsv_gz_end
pkgstats_demo_packages_tsv_gz_end:
    .balign 16
    .global pkgstats_demo_packuments_json_gz
pkgstats_demo_packuments_json_gz:
    .incbin "demo-packuments.json.gz"
    .global pkgstats_demo_packuments_json_gz_end
pkgstats_demo_packuments_json_gz_end:
    .section .note.GNU-stack,"",@progbits
