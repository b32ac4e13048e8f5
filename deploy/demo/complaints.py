"""Realistic Indonesian complaints for the demo federation, keyed by a short name.

Each entry is the citizen's filing (category, Kemendagri region code, title, body, address) plus
who filed it: a named reporter, an anonymous one, or a confidential report. The scenarios in
seed.py refer to them by key.
"""

REPORTERS = [
    {"name": "Siti Aminah", "phone": "081234567890"},
    {"name": "Budi Santoso", "email": "budi.santoso@example.id"},
    {"name": "Dewi Lestari", "phone": "085712345678"},
    {"name": "Agus Pratama", "phone": "081398765432"},
    {"name": "Rina Wulandari", "email": "rina.w@example.id"},
]

# key: (category, region, title, body, address)
_TEXTS = {
    # Kabupaten Bandung (32.04)
    "jalan_soreang": ("infrastruktur.jalan", "32.04", "Jalan berlubang di Soreang",
                      "Jalan Raya Soreang dekat pasar berlubang besar dan sudah dua motor jatuh "
                      "minggu ini. Mohon segera ditambal sebelum musim hujan.",
                      "Jl. Raya Soreang, Kec. Soreang"),
    "pju_baleendah": ("infrastruktur.penerangan_jalan", "32.04", "Lampu jalan mati",
                      "Lampu penerangan jalan di sepanjang Jalan Andir mati sejak sebulan, "
                      "rawan begal pada malam hari.", "Jl. Andir, Kec. Baleendah"),
    "drainase_dayeuhkolot": ("infrastruktur.drainase", "32.04", "Saluran air tersumbat",
                             "Got di permukiman kami tersumbat sampah sehingga air meluap ke "
                             "rumah warga setiap hujan deras.", "Kp. Bojongasih, Dayeuhkolot"),
    "puskesmas_ciparay": ("kesehatan.puskesmas", "32.04", "Puskesmas tutup pada jam layanan",
                          "Puskesmas Ciparay sudah tutup pukul 11 siang padahal jadwal layanan "
                          "sampai pukul 14. Ibu saya tidak dapat berobat.", "Kec. Ciparay"),
    "obat_rsud": ("kesehatan.obat", "32.04", "Obat pasien BPJS tidak tersedia",
                  "Di apotek RSUD obat hipertensi untuk pasien BPJS selalu kosong dan kami "
                  "diminta membeli di luar.", "RSUD Soreang"),
    "ppdb_zonasi": ("pendidikan.ppdb", "32.04", "Zonasi PPDB tidak sesuai jarak",
                    "Anak saya tinggal 400 meter dari SMP negeri tetapi tidak diterima, "
                    "sementara yang rumahnya lebih jauh diterima.", "Kec. Margahayu"),
    "pungutan_sd": ("pendidikan.pungutan", "32.04", "Pungutan uang gedung di SD negeri",
                    "Sekolah dasar negeri meminta uang gedung Rp750.000 kepada murid baru "
                    "tanpa dasar yang jelas.", "Kec. Banjaran"),
    "ktp_el": ("kependudukan.ktp_el", "32.04", "KTP-el belum jadi setelah tiga bulan",
               "Saya merekam KTP-el tiga bulan lalu di Disdukcapil, sampai sekarang belum "
               "dicetak dengan alasan blangko habis.", "Disdukcapil Kab. Bandung"),
    "akta_lahir": ("kependudukan.akta", "32.04", "Pengurusan akta kelahiran dipersulit",
                   "Petugas meminta surat pengantar tambahan yang tidak ada dalam persyaratan "
                   "resmi untuk akta kelahiran anak saya.", "Kec. Cileunyi"),
    "sampah_tpu": ("lingkungan.sampah", "32.04", "Sampah menumpuk di TPS",
                   "TPS di dekat pasar tidak diangkut selama seminggu, bau dan lalat "
                   "mengganggu warga.", "Pasar Majalaya"),
    "limbah_citarum": ("lingkungan.pencemaran", "32.04", "Limbah pabrik ke Sungai Citarum",
                       "Pabrik tekstil membuang limbah berwarna ke Citarum setiap malam, air "
                       "sungai berbau menyengat.", "Kec. Majalaya"),
    "pkl_trotoar": ("ketertiban.pkl", "32.04", "PKL menutup trotoar",
                    "Pedagang kaki lima menutup seluruh trotoar sehingga pejalan kaki harus "
                    "berjalan di badan jalan.", "Alun-alun Soreang"),
    "bansos_salah": ("sosial.bansos", "32.04", "Bansos tidak tepat sasaran",
                     "Tetangga yang mampu menerima bansos sementara keluarga lansia miskin di "
                     "RT kami tidak terdata.", "Desa Sukamenak"),
    "izin_usaha": ("perizinan.usaha", "32.04", "NIB tidak kunjung terbit",
                   "Permohonan izin usaha mikro saya lewat OSS sudah sebulan berstatus "
                   "verifikasi daerah.", "Kec. Katapang"),
    "jembatan_gantung": ("infrastruktur.jembatan", "32.04", "Jembatan gantung rusak",
                         "Papan jembatan gantung penghubung dua desa lapuk dan berlubang, anak "
                         "sekolah tetap melintas setiap hari.", "Desa Cikalong, Cimaung"),
    "air_pdam": ("infrastruktur.air_bersih", "32.04", "Air PDAM tidak mengalir",
                 "Air PDAM di perumahan kami tidak mengalir selama lima hari tanpa "
                 "pemberitahuan.", "Perum Bumi Rancaekek Kencana"),
    "pungli_parkir": ("korupsi.pungli", "32.04", "Pungli parkir di kantor kecamatan",
                      "Di halaman kantor kecamatan ada juru parkir yang memungut Rp5.000 "
                      "tanpa karcis.", "Kantor Kec. Pameungpeuk"),
    "iklan_promo": ("lainnya", "32.04", "Promo pulsa murah",
                    "Dapatkan pulsa murah dan kuota gratis, hubungi nomor berikut.", ""),
    "surat_kosong": ("lainnya", "32.04", "Tanya",
                     "Mohon info.", ""),
    # Provinsi Jawa Barat (32.xx)
    "angkot_bogor": ("transportasi.angkutan_umum", "32.01", "Angkot menaikkan tarif sepihak",
                     "Sopir angkot trayek Cibinong-Bogor memungut tarif Rp10.000, di atas "
                     "tarif resmi.", "Terminal Cibinong"),
    "samsat": ("transportasi.uji_kendaraan", "32.73", "Antrean Samsat berjam-jam",
               "Antrean pembayaran pajak kendaraan di Samsat Kota Bandung lebih dari empat "
               "jam, loket yang buka hanya dua.", "Samsat Kota Bandung"),
    "pkh_cair": ("sosial.pkh", "32.75", "Dana PKH belum cair",
                 "Dana PKH tahap kedua belum kami terima padahal penerima lain di desa sudah.",
                 "Kota Bekasi"),
    "upah_minimum": ("ketenagakerjaan.upah", "32.15", "Upah di bawah UMK",
                     "Pabrik tempat saya bekerja membayar upah di bawah UMK Karawang dan "
                     "lembur tidak dibayar.", "Kawasan Industri Karawang"),
    "phk_sepihak": ("ketenagakerjaan.phk", "32.16", "PHK tanpa pesangon",
                    "Saya diberhentikan tanpa pesangon setelah delapan tahun bekerja.",
                    "Cikarang, Kab. Bekasi"),
    "sma_sarana": ("pendidikan.sarana", "32.05", "Atap kelas SMA negeri bocor",
                   "Atap dua ruang kelas SMA negeri bocor parah, siswa belajar di lorong.",
                   "Kab. Garut"),
    "rs_provinsi": ("kesehatan.rumah_sakit", "32.73", "Pasien ditolak IGD",
                    "Ayah saya ditolak di IGD rumah sakit provinsi dengan alasan kamar penuh "
                    "tanpa dirujuk.", "Kota Bandung"),
    "karhutla": ("lingkungan.karhutla", "32.11", "Pembakaran lahan di lereng gunung",
                 "Setiap sore ada pembakaran lahan di lereng, asap masuk ke permukiman.",
                 "Kab. Sumedang"),
    "sertifikat": ("pertanahan.sertifikat", "32.03", "Sertifikat PTSL belum dibagikan",
                   "Sertifikat tanah program PTSL tahun lalu belum dibagikan ke warga.",
                   "Kab. Cianjur"),
    "jalan_kabupaten": ("infrastruktur.jalan", "32.04", "Jalan desa longsor",
                        "Badan jalan desa menuju Ciwidey longsor separuh, kendaraan roda empat "
                        "tidak bisa lewat.", "Jl. Ciwidey-Rancabali"),
    # Kementerian PUPR (national infrastructure)
    "tol_cipularang": ("infrastruktur.jalan", "32.14", "Jalan tol bergelombang",
                       "Ruas tol Cipularang KM 92 bergelombang parah dan membahayakan "
                       "kendaraan besar.", "Tol Cipularang KM 92"),
    "bendungan": ("infrastruktur.air_bersih", "33.74", "Irigasi dari bendungan kering",
                  "Saluran irigasi sekunder dari bendungan tidak dialiri sejak musim tanam "
                  "dimulai.", "Kota Semarang"),
    "jembatan_nasional": ("infrastruktur.jembatan", "35.78", "Retak pada jembatan nasional",
                          "Ada retakan memanjang pada lantai jembatan jalan nasional, "
                          "getarannya terasa saat truk lewat.", "Kota Surabaya"),
    "rusun": ("infrastruktur.air_bersih", "31.75", "Air rusunawa keruh",
              "Air di rusunawa keruh dan berbau sejak sebulan.", "Jakarta Timur"),
    "drainase_nasional": ("infrastruktur.drainase", "36.71", "Banjir di jalan nasional",
                          "Drainase jalan nasional tertutup trotoar baru sehingga banjir "
                          "setiap hujan.", "Kota Tangerang"),
    "jalan_nasional_bdg": ("infrastruktur.jalan", "32.04", "Jalan rusak di Kabupaten Bandung",
                           "Jalan penghubung Banjaran-Pangalengan rusak berat, aspal "
                           "terkelupas sepanjang dua kilometer.", "Jl. Banjaran-Pangalengan"),
    "pju_bandung": ("infrastruktur.penerangan_jalan", "32.04", "Lampu jalan padam di Cileunyi",
                    "Lampu jalan di bundaran Cileunyi padam, sering terjadi kecelakaan malam.",
                    "Bundaran Cileunyi"),
}


def complaint(key, serial):
    """The filing for complaint `key`; `serial` picks who files it (named, anonymous or a
    confidential report) so the demo shows each kind."""
    category, region, title, body, address = _TEXTS[key]
    filing = {"category": category, "region": region, "title": title, "body": body,
              "channel": ["web", "web", "sms", "walk_in", "phone"][serial % 5]}
    if address:
        filing["address"] = address
    if serial % 3 == 2:
        filing["anonymous"] = True
    else:
        filing["reporter"] = REPORTERS[serial % len(REPORTERS)]
    if serial % 7 == 6:
        filing["confidential"] = True
    return filing
