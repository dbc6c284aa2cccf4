#!/usr/bin/env python3
"""Moves every Maven dependency of the target platform to its newest release on Maven Central.

    releng/update-target.py [releng/kerbscope.target] [--dry-run]

A dependency whose <version> element is followed by the comment <!-- pinned: why --> keeps its
version. After running it, `./mvnw verify` is the test that the new set resolves and works.
"""
import re
import sys
import urllib.request
import xml.etree.ElementTree as ET

CENTRAL = 'https://repo.maven.apache.org/maven2'
PRE = re.compile(r'(alpha|beta|rc|m\d|milestone|snapshot|-b\d)', re.I)


def newest(group, artifact):
    url = f"{CENTRAL}/{group.replace('.', '/')}/{artifact}/maven-metadata.xml"
    with urllib.request.urlopen(url, timeout=30) as r:
        meta = ET.fromstring(r.read())
    versions = [v.text for v in meta.iter('version') if v.text and not PRE.search(v.text)]
    release = meta.findtext('versioning/release')
    if release and not PRE.search(release):
        return release
    return versions[-1] if versions else None


def main(argv):
    path = next((a for a in argv if not a.startswith('--')), 'releng/kerbscope.target')
    dry = '--dry-run' in argv
    text = open(path, encoding='utf-8').read()
    dep = re.compile(r'(<dependency>\s*<groupId>([^<]+)</groupId>\s*<artifactId>([^<]+)</artifactId>\s*'
                     r'<version>)([^<]+)(</version>(\s*<!--\s*pinned)?)', re.S)
    changes = []

    def repl(m):
        group, artifact, version, pinned = m.group(2), m.group(3), m.group(4), m.group(6)
        if pinned:
            return m.group(0)
        try:
            latest = newest(group, artifact)
        except Exception as e:  # a lookup that fails leaves the version alone and says so
            print(f'! {group}:{artifact}: {e}', file=sys.stderr)
            return m.group(0)
        if latest and latest != version:
            changes.append(f'{group}:{artifact} {version} -> {latest}')
            return m.group(1) + latest + m.group(5)
        return m.group(0)

    text = dep.sub(repl, text)
    for c in changes:
        print(c)
    if not changes:
        print('target is current')
    elif not dry:
        open(path, 'w', encoding='utf-8').write(text)
        print(f'{len(changes)} versions updated in {path}; now run ./mvnw verify')


if __name__ == '__main__':
    main(sys.argv[1:])
