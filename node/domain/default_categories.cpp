#include <array>
#include <cassert>
#include <string_view>

#include "node/domain/categories.hpp"

namespace simpul::domain {
namespace {

struct Entry {
  std::string_view code;
  std::string_view parent;
  std::string_view name_id;
  std::string_view name_en;
};

// Parents precede their children.
constexpr std::array<Entry, 62> kNationalCategories{{
    {"infrastruktur", "", "Infrastruktur", "Infrastructure"},
    {"infrastruktur.jalan", "infrastruktur", "Jalan Rusak", "Damaged roads"},
    {"infrastruktur.jembatan", "infrastruktur", "Jembatan", "Bridges"},
    {"infrastruktur.drainase", "infrastruktur", "Drainase dan Banjir", "Drainage and flooding"},
    {"infrastruktur.penerangan_jalan", "infrastruktur", "Penerangan Jalan Umum", "Street lighting"},
    {"infrastruktur.air_bersih", "infrastruktur", "Air Bersih", "Clean water supply"},

    {"kesehatan", "", "Kesehatan", "Health"},
    {"kesehatan.bpjs", "kesehatan", "BPJS Kesehatan / JKN", "National health insurance (JKN)"},
    {"kesehatan.puskesmas", "kesehatan", "Pelayanan Puskesmas", "Community health centres"},
    {"kesehatan.rumah_sakit", "kesehatan", "Pelayanan Rumah Sakit", "Hospital services"},
    {"kesehatan.obat", "kesehatan", "Obat dan Alat Kesehatan", "Medicines and medical devices"},

    {"pendidikan", "", "Pendidikan", "Education"},
    {"pendidikan.ppdb", "pendidikan", "Penerimaan Peserta Didik Baru (PPDB)",
     "School admissions (PPDB)"},
    {"pendidikan.beasiswa", "pendidikan", "Beasiswa dan KIP", "Scholarships and KIP"},
    {"pendidikan.sarana", "pendidikan", "Sarana dan Prasarana Sekolah", "School facilities"},
    {"pendidikan.pungutan", "pendidikan", "Pungutan Sekolah", "School levies"},
    {"pendidikan.tenaga_pendidik", "pendidikan", "Guru dan Tenaga Kependidikan",
     "Teachers and school staff"},

    {"kependudukan", "", "Administrasi Kependudukan", "Civil registration"},
    {"kependudukan.ktp_el", "kependudukan", "KTP Elektronik", "Electronic identity card"},
    {"kependudukan.kartu_keluarga", "kependudukan", "Kartu Keluarga", "Family card"},
    {"kependudukan.akta", "kependudukan", "Akta Kelahiran dan Kematian",
     "Birth and death certificates"},
    {"kependudukan.pindah_datang", "kependudukan", "Pindah Datang Penduduk", "Change of residence"},

    {"lingkungan", "", "Lingkungan Hidup", "Environment"},
    {"lingkungan.sampah", "lingkungan", "Sampah", "Waste"},
    {"lingkungan.pencemaran", "lingkungan", "Pencemaran Air dan Udara", "Water and air pollution"},
    {"lingkungan.karhutla", "lingkungan", "Kebakaran Hutan dan Lahan", "Forest and land fires"},
    {"lingkungan.ruang_hijau", "lingkungan", "Pohon dan Ruang Terbuka Hijau",
     "Trees and green space"},

    {"ketertiban", "", "Ketenteraman dan Ketertiban Umum", "Public order"},
    {"ketertiban.pkl", "ketertiban", "Pedagang Kaki Lima", "Street vendors"},
    {"ketertiban.parkir_liar", "ketertiban", "Parkir Liar", "Illegal parking"},
    {"ketertiban.gangguan", "ketertiban", "Kebisingan dan Gangguan", "Noise and nuisance"},
    {"ketertiban.bangunan_liar", "ketertiban", "Bangunan Liar", "Unlicensed buildings"},

    {"perizinan", "", "Perizinan dan Investasi", "Permits and investment"},
    {"perizinan.usaha", "perizinan", "Izin Usaha (OSS)", "Business licences (OSS)"},
    {"perizinan.bangunan", "perizinan", "Persetujuan Bangunan Gedung (PBG)",
     "Building approval (PBG)"},
    {"perizinan.lingkungan", "perizinan", "Persetujuan Lingkungan", "Environmental approval"},

    {"sosial", "", "Sosial", "Social welfare"},
    {"sosial.bansos", "sosial", "Bantuan Sosial", "Social assistance"},
    {"sosial.pkh", "sosial", "Program Keluarga Harapan (PKH)", "Family Hope Programme (PKH)"},
    {"sosial.dtks", "sosial", "Data Terpadu Kesejahteraan Sosial (DTKS)",
     "Integrated social welfare data (DTKS)"},
    {"sosial.disabilitas", "sosial", "Layanan Penyandang Disabilitas",
     "Services for people with disabilities"},

    {"ketenagakerjaan", "", "Ketenagakerjaan", "Employment"},
    {"ketenagakerjaan.upah", "ketenagakerjaan", "Upah dan THR", "Wages and holiday allowance"},
    {"ketenagakerjaan.phk", "ketenagakerjaan", "Pemutusan Hubungan Kerja", "Dismissals"},
    {"ketenagakerjaan.bpjs_tk", "ketenagakerjaan", "BPJS Ketenagakerjaan",
     "Employment social security"},
    {"ketenagakerjaan.pmi", "ketenagakerjaan", "Pekerja Migran Indonesia",
     "Indonesian migrant workers"},

    {"transportasi", "", "Transportasi", "Transport"},
    {"transportasi.angkutan_umum", "transportasi", "Angkutan Umum", "Public transport"},
    {"transportasi.lalu_lintas", "transportasi", "Lalu Lintas dan Rambu", "Traffic and signs"},
    {"transportasi.uji_kendaraan", "transportasi", "Pengujian Kendaraan Bermotor",
     "Vehicle roadworthiness testing"},

    {"pertanahan", "", "Pertanahan", "Land"},
    {"pertanahan.sertifikat", "pertanahan", "Sertifikat Tanah", "Land certificates"},
    {"pertanahan.sengketa", "pertanahan", "Sengketa Tanah", "Land disputes"},
    {"pertanahan.ptsl", "pertanahan", "Pendaftaran Tanah Sistematis Lengkap (PTSL)",
     "Systematic land registration (PTSL)"},

    {"korupsi", "", "Pungli dan Korupsi", "Extortion and corruption"},
    {"korupsi.pungli", "korupsi", "Pungutan Liar", "Illegal levies"},
    {"korupsi.suap", "korupsi", "Suap dan Gratifikasi", "Bribery and gratuities"},
    {"korupsi.penyalahgunaan_wewenang", "korupsi", "Penyalahgunaan Wewenang", "Abuse of authority"},
    {"korupsi.pengadaan", "korupsi", "Pengadaan Barang dan Jasa", "Public procurement"},

    {"lainnya", "", "Lainnya", "Other"},
    {"lainnya.kinerja_asn", "lainnya", "Kinerja dan Disiplin ASN",
     "Civil servant conduct and discipline"},
    {"lainnya.umum", "lainnya", "Topik Lainnya", "Other topics"},
}};

}  // namespace

CategoryTree DefaultNationalCategories() {
  CategoryTree tree;
  for (const Entry& e : kNationalCategories) {
    Result<void> added = tree.Add(Category{std::string(e.code), std::string(e.parent),
                                           std::string(e.name_id), std::string(e.name_en)});
    // The table is checked by the domain tests; a failure here is a programming error.
    assert(added.has_value());
    (void)added;
  }
  return tree;
}

}  // namespace simpul::domain
