"""Packaging for fame_nb, driven by settings.ini (the nbdev 2 convention)."""
from configparser import ConfigParser
import os
import setuptools

cfg = ConfigParser(delimiters=['='])
cfg.read('settings.ini', encoding='utf-8')
cfg = cfg['DEFAULT']
lic = {'apache2': ('Apache Software License 2.0', 'OSI Approved :: Apache Software License')}[cfg['license']]
req = cfg.get('requirements', '').split()
dev = cfg.get('dev_requirements', '').split()
cluster = cfg.get('cluster_requirements', '').split()   # `--executor ray` (08a_executors)
# only the console scripts, not nbdev's tag lists
scripts = [s.strip() for s in cfg.get('console_scripts', '').split() if '=' in s]

setuptools.setup(
    name=cfg['lib_name'], version=cfg['version'], description=cfg['description'],
    license=lic[0], author=cfg['author'], author_email=cfg['author_email'],
    keywords=cfg['keywords'].split(), url=cfg['git_url'],
    packages=setuptools.find_packages(include=['fame_nb', 'fame_nb.*']),
    include_package_data=True, install_requires=req, extras_require={'dev': dev, 'cluster': cluster},
    python_requires='>=' + cfg['min_python'],
    long_description=open('README.md', encoding='utf-8').read() if os.path.exists('README.md') else cfg['description'], long_description_content_type='text/markdown',
    zip_safe=False, entry_points={'console_scripts': scripts, 'nbdev': [f"{cfg['lib_path']}={cfg['lib_path']}._modidx:d"]},
    classifiers=['Programming Language :: Python :: 3.11', 'License :: ' + lic[1]],
)
