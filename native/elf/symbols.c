// Symbols: .symtab (the file's and the debug file's) and .dynsym, synthetic "name@plt" symbols for
// the PLT and .plt.got stubs, deduplicated and sorted, with the demangled form of C++ names. Loaded
// on the first call that needs them (the symbol table or its string pool).
#define _GNU_SOURCE
#include "elf_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <inttypes.h>
#include <string.h>

// Length of the name that identifies a symbol: .symtab names carry a version ("printf@GLIBC_2.2.5",
// "memcpy@@GLIBC_2.14") that .dynsym keeps in .gnu.version instead.
static size_t symbol_key_len(const struct symbol *s) {
    return strcspn(s->raw, "@");
}

static int compare_symbols(const void *a, const void *b) {
    const struct symbol *x = a, *y = b;
    if (x->value != y->value) return x->value < y->value ? -1 : 1;
    size_t xl = symbol_key_len(x), yl = symbol_key_len(y);
    int c = memcmp(x->raw, y->raw, xl < yl ? xl : yl);
    if (c) return c;
    if (xl != yl) return xl < yl ? -1 : 1;
    if (x->defined != y->defined) return x->defined < y->defined ? -1 : 1;
    if (x->binding != y->binding) return x->binding < y->binding ? -1 : 1;
    if (x->size != y->size) return x->size < y->size ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

static uint8_t symbol_kind(int type) {
    switch (type) {
    case STT_FUNC: return OMNI_ELF_SYM_FUNC;
    case STT_OBJECT:
    case STT_COMMON: return OMNI_ELF_SYM_OBJECT;
    case STT_GNU_IFUNC: return OMNI_ELF_SYM_IFUNC;
    case STT_TLS: return OMNI_ELF_SYM_TLS;
    case STT_NOTYPE: return OMNI_ELF_SYM_NOTYPE;
    default: return OMNI_ELF_SYM_OTHER;
    }
}

static uint8_t symbol_binding(int bind) {
    switch (bind) {
    case STB_LOCAL: return OMNI_ELF_BIND_LOCAL;
    case STB_GLOBAL: return OMNI_ELF_BIND_GLOBAL;
    case STB_WEAK: return OMNI_ELF_BIND_WEAK;
    case STB_GNU_UNIQUE: return OMNI_ELF_BIND_UNIQUE;
    default: return OMNI_ELF_BIND_OTHER;
    }
}

static void read_symbol_tables(omni_elf *h, Elf *elf, Elf64_Word type) {
    for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn; scn = elf_nextscn(elf, scn)) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != type) continue;
        Elf_Data *data = elf_getdata(scn, NULL);
        if (!data) {
            warn(h, "symbol table unreadable: %s", elf_errmsg(-1));
            continue;
        }
        size_t entsize = gelf_fsize(elf, ELF_T_SYM, 1, EV_CURRENT);
        size_t count = entsize ? data->d_size / entsize : 0;
        for (size_t i = 1; i < count; i++) { // entry 0 is the null symbol
            GElf_Sym sym;
            if (!gelf_getsym(data, (int)i, &sym)) break;
            int stt = GELF_ST_TYPE(sym.st_info);
            if (stt == STT_SECTION || stt == STT_FILE) continue;
            const char *name = elf_strptr(elf, sh.sh_link, sym.st_name);
            if (!name || !*name) continue;
            struct symbol *s = PUSH(h, h->symbols, h->nsymbols, h->capsymbols);
            if (!s) return;
            *s = (struct symbol){
                .raw = name,
                .value = sym.st_value,
                .size = sym.st_size,
                .kind = symbol_kind(stt),
                .binding = symbol_binding(GELF_ST_BIND(sym.st_info)),
                .defined = sym.st_shndx != SHN_UNDEF,
                .order = (uint32_t)h->nsymbols,
            };
        }
    }
}

// The demangled form of a C++ name (keeping a "@VERSION" suffix), or 0 (meaning: same as name).
static uint32_t demangle(omni_elf *h, const char *raw) {
    if (strncmp(raw, "_Z", 2) != 0) return 0;
    size_t keylen = strcspn(raw, "@");
    char *key = strndup(raw, keylen);
    if (!key) {
        h->oom = true;
        return 0;
    }
    int status = 0;
    char *out = __cxa_demangle(key, NULL, NULL, &status);
    free(key);
    if (status != 0 || !out) {
        free(out);
        return 0;
    }
    // Keep the version: "f(int)@GLIBCXX_3.4" names the same symbol as "_Z1fi@GLIBCXX_3.4".
    char *full = NULL;
    if (asprintf(&full, "%s%s", out, raw + keylen) < 0) {
        h->oom = true;
        full = NULL;
    }
    uint32_t off = full ? pool_add(h, &h->symbol_pool, full) : 0;
    free(full);
    free(out);
    return off;
}

static Elf_Scn *section_named(Elf *elf, const char *wanted, GElf_Shdr *out) {
    size_t shstrndx;
    if (elf_getshdrstrndx(elf, &shstrndx) != 0) return NULL;
    for (Elf_Scn *scn = elf_nextscn(elf, NULL); scn; scn = elf_nextscn(elf, scn)) {
        if (!gelf_getshdr(scn, out)) continue;
        const char *name = elf_strptr(elf, shstrndx, out->sh_name);
        if (name && strcmp(name, wanted) == 0) return scn;
    }
    return NULL;
}

// The GOT slot a PLT stub jumps through: `jmp *rel32(%rip)`, after an endbr64 and a bnd prefix
// when built for IBT. 0 when the stub is not one.
static uint64_t stub_slot(const uint8_t *insn, size_t size, uint64_t entry) {
    size_t at = 0;
    if (size - at >= 4 && memcmp(insn, "\xf3\x0f\x1e\xfa", 4) == 0) at += 4;  // endbr64
    if (at < size && insn[at] == 0xf2) at++;                                    // bnd
    if (at + 6 > size || insn[at] != 0xff || insn[at + 1] != 0x25) return 0;    // jmp *rel32(%rip)
    int32_t disp;
    memcpy(&disp, insn + at + 2, 4);
    return entry + at + 6 + (int64_t)disp;
}

// The name of the function whose ifunc resolver is at `value`: an ifunc symbol there, else a
// function symbol there; of several, the one with the fewest leading underscores (mempcpy over
// __mempcpy), then a global over a weak alias (memcmp over bcmp); NULL if none.
static int resolver_rank(const struct symbol *s) {
    return (s->kind == OMNI_ELF_SYM_IFUNC ? 0 : 1000) + 2 * (int)strspn(s->raw, "_") + (s->binding == OMNI_ELF_BIND_GLOBAL ? 0 : 1);
}

static const char *resolver_name(omni_elf *h, uint64_t value) {
    const struct symbol *best = NULL;
    for (size_t i = 0; i < h->nsymbols; i++) {
        const struct symbol *s = &h->symbols[i];
        if (s->value != value || !s->defined || !s->raw || !*s->raw) continue;
        if (s->kind != OMNI_ELF_SYM_IFUNC && s->kind != OMNI_ELF_SYM_FUNC) continue;
        if (!best || resolver_rank(s) < resolver_rank(best)) best = s;
    }
    return best ? best->raw : NULL;
}

// Synthetic "name@plt" symbols for the PLT stubs, as objdump and gdb show them: a call through the
// PLT lands on a stub that no symbol table names. Each stub (in .plt.sec when the PLT has one, for
// IBT, else after .plt's PLT0) jumps through a GOT slot, and the .rela.plt entry of that slot names
// it: a JUMP_SLOT's symbol, or for an IRELATIVE (an ifunc the library resolves for itself, as libc's
// internal calls of memcpy) "*ABS*+0xADDEND@plt". Matched by slot, not by position: libc's
// .rela.plt is not in PLT order. The names are kept in plt_names until load_symbols has interned them.
static void add_plt_symbols(omni_elf *h, Elf *elf, char ***plt_names, size_t *nplt) {
    GElf_Shdr rela_sh, plt_sh, sec_sh, dynsym_sh;
    Elf_Scn *rela = section_named(elf, ".rela.plt", &rela_sh);
    if (!rela) return;
    Elf_Scn *sec = section_named(elf, ".plt.sec", &sec_sh);
    Elf_Scn *plt = section_named(elf, ".plt", &plt_sh);
    if (!sec && !plt) return;
    GElf_Shdr *code_sh = sec ? &sec_sh : &plt_sh;
    Elf_Data *code = elf_getdata(sec ? sec : plt, NULL);
    if (!code || code_sh->sh_type != SHT_PROGBITS || code->d_size < code_sh->sh_size) return;
    uint64_t first = sec ? 0 : 16;
    Elf_Scn *dynsym = elf_getscn(elf, rela_sh.sh_link);
    if (!dynsym || !gelf_getshdr(dynsym, &dynsym_sh)) return;
    Elf_Data *relas = elf_getdata(rela, NULL), *syms = elf_getdata(dynsym, NULL);
    if (!relas || !syms) return;
    size_t entsize = gelf_fsize(elf, ELF_T_RELA, 1, EV_CURRENT);
    size_t count = entsize ? relas->d_size / entsize : 0;
    size_t stubs = code_sh->sh_size > first ? (code_sh->sh_size - first) / 16 : 0;
    *plt_names = calloc(stubs ? stubs : 1, sizeof **plt_names);
    if (!*plt_names) {
        h->oom = true;
        return;
    }
    for (size_t k = 0; k < stubs; k++) {
        uint64_t offset = first + 16 * k, entry = code_sh->sh_addr + offset;
        uint64_t slot = stub_slot((const uint8_t *)code->d_buf + offset, 16, entry);
        if (!slot) continue;
        char *plt_name = NULL;
        for (size_t i = 0; i < count && !plt_name; i++) {
            GElf_Rela r;
            if (!gelf_getrela(relas, (int)i, &r) || r.r_offset != slot) continue;
            if (GELF_R_TYPE(r.r_info) == R_X86_64_IRELATIVE) {
                // the addend is the ifunc's resolver, which the function's own symbol names (mempcpy)
                const char *ifunc = resolver_name(h, (uint64_t)r.r_addend);
                int n = ifunc ? asprintf(&plt_name, "%.*s@plt", (int)strcspn(ifunc, "@"), ifunc)
                              : asprintf(&plt_name, "*ABS*+0x%" PRIx64 "@plt", (uint64_t)r.r_addend);
                if (n < 0) h->oom = true;
                break;
            }
            GElf_Sym sym;
            if (GELF_R_TYPE(r.r_info) != R_X86_64_JUMP_SLOT || !gelf_getsym(syms, (int)GELF_R_SYM(r.r_info), &sym)) break;
            const char *name = elf_strptr(elf, dynsym_sh.sh_link, sym.st_name);
            if (!name || !*name) break;
            if (asprintf(&plt_name, "%.*s@plt", (int)strcspn(name, "@"), name) < 0) h->oom = true;
        }
        if (h->oom) return;
        if (!plt_name) continue;
        (*plt_names)[(*nplt)++] = plt_name;
        struct symbol *s = PUSH(h, h->symbols, h->nsymbols, h->capsymbols);
        if (!s) return;
        *s = (struct symbol){
            .raw = plt_name, .value = entry, .size = 16, .kind = OMNI_ELF_SYM_FUNC,
            .binding = OMNI_ELF_BIND_LOCAL, .defined = 1, .order = (uint32_t)h->nsymbols,
        };
    }
}

// .plt.got stubs ("__cxa_finalize@plt"): each is a `jmp *GOT(%rip)` (after an endbr64 and a bnd
// prefix when built for IBT) through a GOT slot that .rela.dyn binds to a symbol with GLOB_DAT.
static void add_plt_got_symbols(omni_elf *h, Elf *elf, char ***plt_names, size_t *nplt) {
    GElf_Shdr got_sh, rela_sh, dynsym_sh;
    Elf_Scn *got = section_named(elf, ".plt.got", &got_sh);
    Elf_Scn *rela = section_named(elf, ".rela.dyn", &rela_sh);
    if (!got || !rela || got_sh.sh_type != SHT_PROGBITS || rela_sh.sh_type != SHT_RELA) return;
    Elf_Data *code = elf_getdata(got, NULL), *relas = elf_getdata(rela, NULL);
    Elf_Scn *dynsym = elf_getscn(elf, rela_sh.sh_link);
    if (!code || !relas || !dynsym || !gelf_getshdr(dynsym, &dynsym_sh)) return;
    Elf_Data *syms = elf_getdata(dynsym, NULL);
    if (!syms) return;
    size_t entry_size = got_sh.sh_entsize == 16 ? 16 : 8;
    size_t relsize = gelf_fsize(elf, ELF_T_RELA, 1, EV_CURRENT);
    size_t nrela = relsize ? relas->d_size / relsize : 0;
    size_t nentries = code->d_size / entry_size;
    char **grown = realloc(*plt_names, (*nplt + nentries + 1) * sizeof **plt_names);
    if (!grown) {
        h->oom = true;
        return;
    }
    *plt_names = grown;
    for (size_t e = 0; e < nentries; e++) {
        uint64_t entry = got_sh.sh_addr + e * entry_size;
        uint64_t slot = stub_slot((const uint8_t *)code->d_buf + e * entry_size, entry_size, entry);
        if (!slot) continue;
        for (size_t i = 0; i < nrela; i++) {
            GElf_Rela r;
            GElf_Sym sym;
            if (!gelf_getrela(relas, (int)i, &r) || r.r_offset != slot || GELF_R_TYPE(r.r_info) != R_X86_64_GLOB_DAT) continue;
            if (!gelf_getsym(syms, (int)GELF_R_SYM(r.r_info), &sym)) break;
            const char *name = elf_strptr(elf, dynsym_sh.sh_link, sym.st_name);
            if (!name || !*name) break;
            char *plt_name = NULL;
            if (asprintf(&plt_name, "%.*s@plt", (int)strcspn(name, "@"), name) < 0) {
                h->oom = true;
                return;
            }
            (*plt_names)[(*nplt)++] = plt_name;
            struct symbol *s = PUSH(h, h->symbols, h->nsymbols, h->capsymbols);
            if (!s) return;
            *s = (struct symbol){
                .raw = plt_name, .value = entry, .size = entry_size, .kind = OMNI_ELF_SYM_FUNC,
                .binding = OMNI_ELF_BIND_LOCAL, .defined = 1, .order = (uint32_t)h->nsymbols,
            };
            break;
        }
    }
}

int load_symbols(omni_elf *h) {
    if (h->symbols_state) return h->symbols_state;
    pool_add_len(h, &h->symbol_pool, "", 0);
    read_symbol_tables(h, h->elf, SHT_SYMTAB);
    if (h->debug_elf) read_symbol_tables(h, h->debug_elf, SHT_SYMTAB);
    read_symbol_tables(h, h->elf, SHT_DYNSYM);
    char **plt_names = NULL;
    size_t nplt = 0;
    add_plt_symbols(h, h->elf, &plt_names, &nplt);
    if (!h->oom) add_plt_got_symbols(h, h->elf, &plt_names, &nplt);
    if (h->nsymbols) qsort(h->symbols, h->nsymbols, sizeof *h->symbols, compare_symbols);
    size_t kept = 0;
    for (size_t i = 0; i < h->nsymbols && !h->oom; i++) {
        struct symbol *s = &h->symbols[i];
        if (kept > 0) {
            struct symbol *prev = &h->symbols[kept - 1];
            size_t pl = symbol_key_len(prev), sl = symbol_key_len(s);
            if (prev->value == s->value && prev->defined == s->defined && prev->binding == s->binding &&
                prev->size == s->size && pl == sl &&
                memcmp(prev->raw, s->raw, sl) == 0)
                continue;
        }
        h->symbols[kept++] = *s;
    }
    h->nsymbols = kept;
    // Intern only now: the raw names compared above point into the ELF string tables.
    for (size_t i = 0; i < h->nsymbols && !h->oom; i++) {
        struct symbol *s = &h->symbols[i];
        s->name = pool_add(h, &h->symbol_pool, s->raw);
        uint32_t d = demangle(h, s->raw);
        s->demangled = d ? d : s->name;
    }
    for (size_t i = 0; i < nplt; i++) free(plt_names[i]);
    free(plt_names);
    if (h->oom) {
        free(h->symbols);
        free(h->symbol_pool.data);
        h->symbols = NULL;
        h->symbol_pool = (struct strbuf){0};
        h->nsymbols = h->capsymbols = 0;
        h->oom = false;
        return h->symbols_state = -1;
    }
    return h->symbols_state = 1;
}

int64_t omni_elf_symbol_count(omni_elf *h) {
    return load_symbols(h) < 0 ? -1 : (int64_t)h->nsymbols;
}

size_t omni_elf_symbols(omni_elf *h, size_t cap, uint64_t *value, uint64_t *size,
                        uint32_t *name, uint32_t *demangled, uint8_t *kind, uint8_t *binding,
                        uint8_t *defined) {
    if (load_symbols(h) < 0) return 0;
    size_t n = cap < h->nsymbols ? cap : h->nsymbols;
    for (size_t i = 0; i < n; i++) {
        const struct symbol *s = &h->symbols[i];
        value[i] = s->value;
        size[i] = s->size;
        name[i] = s->name;
        demangled[i] = s->demangled;
        kind[i] = s->kind;
        binding[i] = s->binding;
        defined[i] = s->defined;
    }
    return n;
}
