import { useTranslation } from 'react-i18next';

export default function Releases() {
  const { t } = useTranslation('releases');
  return <h1>{t('title')}</h1>;
}
