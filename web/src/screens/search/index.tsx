import { useTranslation } from 'react-i18next';

export default function Search() {
  const { t } = useTranslation('search');
  return <h1>{t('title')}</h1>;
}
